-- The writes of an identified page view's join (server/identity/join.ts and identify.ts), as
-- one pgbench transaction on Sonny's own tables: a new visitor, the contact upserted by its
-- email, the visitor bound to it, its conversations linked. The page-view scenario runs it
-- with as many clients as it ran page views, in a scratch workspace
-- (pgbench -M extended -D workspace_id=<uuid>).
BEGIN;
INSERT INTO visitors (workspace_id, credential_hash)
  VALUES (:workspace_id, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'))
  ON CONFLICT (workspace_id, credential_hash) DO UPDATE SET last_seen_at = now()
  RETURNING id AS visitor_id \gset
INSERT INTO contacts (workspace_id, email, email_normalized, name)
  SELECT :workspace_id::uuid, address, address, 'Page Viewer'
  FROM (SELECT 'pgbench-' || gen_random_uuid() || '@example.com' AS address) AS new_contact
  ON CONFLICT (workspace_id, email_normalized) DO UPDATE
    SET name = coalesce(excluded.name, contacts.name), last_seen_at = now()
  RETURNING id AS contact_id, email AS contact_email \gset
UPDATE visitors
  SET contact_id = :contact_id, identified_at = coalesce(identified_at, now()),
      given_email = :contact_email, given_name = 'Page Viewer'
  WHERE id = :visitor_id;
UPDATE conversations SET contact_id = :contact_id
  WHERE visitor_id = :visitor_id AND contact_id IS NULL;
END;
