-- oidc_payloads_subject (0001) serves one query: a subject's login sessions (sql-adapter.ts deleteLoginSessions,
-- model = 'Session'). Every code, token and Grant carries a subject too (its accountId), so each token write kept
-- an entry there that no query reads: two index entries and two WAL records (~180 bytes) per code exchange or
-- refresh (issue 18). Now only the sessions are indexed by subject.
DROP INDEX oidc_payloads_subject;
CREATE INDEX oidc_payloads_subject ON oidc_payloads (subject) WHERE model = 'Session' AND subject IS NOT NULL;
