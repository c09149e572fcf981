-- Lookups the transaction list and payment status make: invoice by the journal that paid it, journals by payment hash.
CREATE INDEX ln_invoices_journal ON ln_invoices (journal_id) WHERE journal_id IS NOT NULL;
CREATE INDEX ledger_journals_payment_hash ON ledger_journals (payment_hash) WHERE payment_hash IS NOT NULL;
