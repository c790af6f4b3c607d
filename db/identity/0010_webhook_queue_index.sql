-- Custom SQL migration file, put your code below! --
-- Each webhook delivery looks for an earlier one to the same subscriber still pending, and each one
-- sent looks for the next (src/identity/webhooks/delivery.ts): without this, both scan every pending
-- delivery, so a backlog after an outage would be sent in quadratic time.
CREATE INDEX `outbox_pending_webhooks` ON `outbox` (json_extract(`payload`, '$.subscriptionId'), `id`) WHERE `kind` = 'webhook' AND `status` = 'pending';
