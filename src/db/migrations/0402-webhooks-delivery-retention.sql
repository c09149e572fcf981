-- Webhooks (issue 14): finished deliveries are kept for 30 days (the portal's history, replays), then
-- deleted in small batches by the delivery workers; this index finds them without a scan.
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at) WHERE status <> 'pending';
