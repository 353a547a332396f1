import { testStore } from "../testing/store-contract";
import { memoryStore } from "./memory-store";

testStore("memory", () => memoryStore());
