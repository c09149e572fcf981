-- A budgeted send run as one statement in autocommit (issues 15 and 18) charges its grant's budget before it
-- locks the wallets; when the posting is then refused (the balance is too low, a wallet is gone), the charge
-- must not commit alone. The statement calls this, which raises (SQLSTATE LGB01) and so undoes all of it; the
-- send then runs again in a transaction, which answers the refusal as before. PL/pgSQL, like the ledger's
-- balance trigger (0200).
CREATE FUNCTION wallet_abort_charge(reason text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'LGB01', MESSAGE = reason;
END
$$;
