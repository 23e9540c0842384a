-- An operator team instead of one shared token: operator accounts with roles, API keys for
-- automation, two-factor sign-in for operators and merchant users, merchant staff roles, and the
-- append-only audit trail of every state-changing action by a person or a key
-- (docs/operators.md).

-- operator accounts (module: access) ---------------------------------------------------------
-- People who sign in to the operator console. Invited by an owner, who hands over the generated
-- first password; never deleted (the trail names them), only disabled.
CREATE TABLE operator_users (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email           text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  role            text NOT NULL CHECK (role IN ('owner', 'admin', 'finance', 'support', 'viewer')),
  password_hash   text NOT NULL,
  password_set_at timestamptz NOT NULL DEFAULT now(),
  invited_by      text NOT NULL,
  disabled_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- API keys for automation (the CLI, scripts): each scoped to one role, stored as SHA-256 only,
-- never deleted (the trail names them), only revoked. Names are unique for good, so a name in
-- the trail always means one key.
CREATE TABLE api_keys (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  role         text NOT NULL CHECK (role IN ('owner', 'admin', 'finance', 'support', 'viewer')),
  token_hash   bytea NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  rotated_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  last_used_ip text,
  revoked_at   timestamptz
);

-- Merchant staff roles: the users the operator made before roles existed could do everything,
-- so they are owners.
ALTER TABLE web_users ADD COLUMN role text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'developer', 'accountant'));

-- An operator session is opened either with the bootstrap key (credential_tag, as before) or by
-- an operator user (operator_user_id), never both.
ALTER TABLE web_sessions ADD COLUMN operator_user_id bigint REFERENCES operator_users (id) ON DELETE CASCADE;
ALTER TABLE web_sessions DROP CONSTRAINT web_sessions_check1;
ALTER TABLE web_sessions ADD CONSTRAINT web_sessions_operator_credential
  CHECK ((role = 'operator') = (credential_tag IS NOT NULL OR operator_user_id IS NOT NULL) AND (credential_tag IS NULL OR operator_user_id IS NULL));
CREATE INDEX web_sessions_by_operator_user ON web_sessions (operator_user_id) WHERE operator_user_id IS NOT NULL;

-- Two-factor sign-in (TOTP, RFC 6238) of one person: an operator user or a merchant user. The
-- secret is sealed like stock keys; enabled_at is null while it is set up and not yet confirmed
-- with a code. last_step is the last time step a code was accepted for, so a code works once.
-- Recovery codes are SHA-256 hashes (80 random bits each), removed as they are used.
CREATE TABLE two_factor (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_user_id bigint UNIQUE REFERENCES operator_users (id) ON DELETE CASCADE,
  web_user_id      bigint UNIQUE REFERENCES web_users (id) ON DELETE CASCADE,
  secret_sealed    bytea NOT NULL,
  enabled_at       timestamptz,
  last_step        bigint,
  recovery_hashes  bytea[] NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((operator_user_id IS NULL) <> (web_user_id IS NULL))
);

-- audit trail (module: audit-log) ------------------------------------------------------------
-- One row per state-changing action of a person or a key, written in the transaction of the
-- change itself: who (actor: 'operator' for the bootstrap key, 'operator:<email>',
-- 'key:<name>', 'merchant-user:<id>', 'system'), from where, what, and the state before and
-- after (never a secret). Append-only, like the ledger.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  actor_kind  text NOT NULL CHECK (actor_kind IN ('bootstrap-key', 'operator-user', 'api-key', 'merchant-user', 'system')),
  actor_id    bigint,
  actor_name  text NOT NULL,
  merchant_id bigint REFERENCES merchants (id),
  ip          text,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_by_action ON audit_log (action, id DESC);
CREATE INDEX audit_log_by_target ON audit_log (target_type, target_id, id DESC);
CREATE INDEX audit_log_by_merchant ON audit_log (merchant_id, id DESC) WHERE merchant_id IS NOT NULL;
CREATE INDEX audit_log_by_time ON audit_log (created_at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_mutation();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();
