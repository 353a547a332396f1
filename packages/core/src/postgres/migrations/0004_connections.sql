-- SynapseOps store, version 4: connections (one customer's encrypted credentials per connector
-- ref) and OAuth authorizations in flight (issue 22).
-- Runs inside the migrator's transaction with `search_path` set to the store's schema.
-- Do not edit once released: the migrator checks its checksum.

-- `doc` holds the connection with its credentials as ciphertext only (never a plaintext token).
CREATE TABLE connections (
  id               text COLLATE "C" PRIMARY KEY,
  connector_ref_id text COLLATE "C" NOT NULL,
  customer_id      text NOT NULL,
  tenant           text,
  status           text NOT NULL,
  version          integer NOT NULL,
  doc              jsonb NOT NULL
);
CREATE INDEX connections_customer_idx ON connections (customer_id, id);
CREATE INDEX connections_ref_idx ON connections (connector_ref_id, id);

-- The `state` of an authorization code flow, taken once by the callback.
CREATE TABLE pending_authorizations (
  state      text COLLATE "C" PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  doc        jsonb NOT NULL
);
CREATE INDEX pending_authorizations_expiry_idx ON pending_authorizations (expires_at);
