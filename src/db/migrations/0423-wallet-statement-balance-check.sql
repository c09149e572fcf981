-- Double entry, checked by the database per statement instead of per row at commit (issue 18). 0200's deferred
-- constraint trigger ran once per ledger entry (two to four per payment), each a PL/pgSQL call aggregating the
-- journal's entries through ledger_entries_journal, queued until the commit. This statement trigger runs once per
-- INSERT and aggregates only the rows it inserted (its transition table): every journal those rows belong to must
-- balance per currency within them. Entries are only ever inserted (no statement updates or deletes them), so each
-- journal is still balanced as a whole, for every writer — the ledger's statements insert all of a journal's legs
-- at once. Stricter than before: a journal's legs inserted by two statements are refused even when they balance
-- together. Measured: 0.96-0.97 of the PostgreSQL CPU per payment (three in-process A/B runs, docs/benchmarks.md).
CREATE FUNCTION ledger_check_statement_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced uuid;
BEGIN
  SELECT journal_id INTO unbalanced FROM new_entries GROUP BY journal_id, currency HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger journal % is not balanced', unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_balanced_statement AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS new_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_statement_balanced();
DROP TRIGGER ledger_entries_balanced ON ledger_entries;
DROP FUNCTION ledger_check_journal_balanced();
