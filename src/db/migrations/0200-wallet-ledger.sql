-- Wallet: accounts, wallets and a double-entry ledger. BTC in sats, USD in cents, integers only.
-- wallets.balance is the sum of the wallet's ledger entries, kept in the same transaction that posts them.

CREATE TABLE wallet_accounts (
  id uuid PRIMARY KEY,
  -- NULL only for the platform's own account (funding and dealer wallets).
  user_id uuid UNIQUE REFERENCES users (id) ON DELETE RESTRICT,
  username text CHECK (username ~ '^[a-zA-Z0-9_]{3,50}$'),
  default_wallet_id uuid,
  display_currency text NOT NULL DEFAULT 'USD',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX wallet_accounts_username ON wallet_accounts (lower(username));

CREATE TABLE wallets (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES wallet_accounts (id),
  currency text NOT NULL CHECK (currency IN ('BTC', 'USD')),
  -- funding: source of admin credits; dealer: the other side of USD<->BTC conversions. Both may go negative.
  kind text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'funding', 'dealer')),
  balance bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT wallets_balance_not_negative CHECK (kind <> 'user' OR balance >= 0)
);
CREATE INDEX wallets_account ON wallets (account_id);
ALTER TABLE wallet_accounts ADD CONSTRAINT wallet_accounts_default_wallet
  FOREIGN KEY (default_wallet_id) REFERENCES wallets (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE ledger_journals (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('intraledger', 'ln_internal', 'funding')),
  memo text,
  sender_wallet_id uuid REFERENCES wallets (id),
  recipient_wallet_id uuid REFERENCES wallets (id),
  payment_hash text,
  payment_request text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journal_id uuid NOT NULL REFERENCES ledger_journals (id),
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  currency text NOT NULL CHECK (currency IN ('BTC', 'USD')),
  -- Signed: negative debits the wallet, positive credits it.
  amount bigint NOT NULL CHECK (amount <> 0),
  balance_after bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_wallet ON ledger_entries (wallet_id, id DESC);
CREATE INDEX ledger_entries_journal ON ledger_entries (journal_id);

-- Double entry, checked by the database at commit: each journal's legs sum to zero in each currency.
CREATE FUNCTION ledger_check_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM ledger_entries WHERE journal_id = NEW.journal_id
    GROUP BY currency HAVING sum(amount) <> 0
  ) THEN
    RAISE EXCEPTION 'ledger journal % is not balanced', NEW.journal_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_journal_balanced();

-- A send repeated with the same key returns the first result (per account).
CREATE TABLE payment_idempotency (
  account_id uuid NOT NULL REFERENCES wallet_accounts (id),
  key text NOT NULL,
  fingerprint text NOT NULL,
  journal_id uuid NOT NULL REFERENCES ledger_journals (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);

CREATE TABLE ln_invoices (
  payment_hash text PRIMARY KEY,
  payment_request text NOT NULL UNIQUE,
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  -- NULL for a no-amount invoice.
  sats bigint CHECK (sats > 0),
  -- USD invoices: the cents credited when paid, fixed at creation.
  cents bigint CHECK (cents > 0),
  preimage text NOT NULL,
  payment_secret text NOT NULL,
  memo text,
  external_id text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PAID', 'CANCELLED')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  journal_id uuid REFERENCES ledger_journals (id)
);
CREATE INDEX ln_invoices_wallet ON ln_invoices (wallet_id, created_at DESC);

CREATE TABLE onchain_addresses (
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  idx integer NOT NULL,
  address text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wallet_id, idx)
);

-- The platform's account and its wallets, with fixed ids.
INSERT INTO wallet_accounts (id, user_id, default_wallet_id) VALUES ('00000000-0000-4000-8000-000000000000', NULL, NULL);
INSERT INTO wallets (id, account_id, currency, kind) VALUES
  ('00000000-0000-4000-8000-00000000f0b1', '00000000-0000-4000-8000-000000000000', 'BTC', 'funding'),
  ('00000000-0000-4000-8000-00000000f0d1', '00000000-0000-4000-8000-000000000000', 'USD', 'funding'),
  ('00000000-0000-4000-8000-00000000d0b1', '00000000-0000-4000-8000-000000000000', 'BTC', 'dealer'),
  ('00000000-0000-4000-8000-00000000d0d1', '00000000-0000-4000-8000-000000000000', 'USD', 'dealer');

-- API keys (X-API-KEY): stored as SHA-256 of the whole key; the prefix is shown to the owner.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at);
