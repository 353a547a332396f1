#!/usr/bin/env node
// The file npm links as `synapseops` at install time, which may come before the build: it only
// loads the built CLI, so the link never points at a file that does not exist yet.
import "../dist/cli.js";
