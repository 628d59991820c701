-- Custom SQL migration (drizzle-kit generate --custom): what tickets from before customers and
-- queue rows existed need. A customer's name is the one their latest mail gave, when one did.
INSERT INTO customers (email, name, domain, notes, created_at, updated_at)
SELECT g.email,
  (SELECT n.external_author_name FROM tickets n
    WHERE lower(n.external_author) = g.email AND n.external_author_name IS NOT NULL ORDER BY n.created_at DESC LIMIT 1),
  g.domain, '', g.first_at, g.first_at
FROM (
  SELECT lower(external_author) AS email, min(lower(split_part(external_author, '@', 2))) AS domain, min(created_at) AS first_at
  FROM tickets
  WHERE external_author IS NOT NULL AND position('@' in external_author) > 0
  GROUP BY lower(external_author)
) g;
--> statement-breakpoint
-- Names go through the same rule as new mail's (decision 013): never one with an address in it
-- ("ceo@bank" <x@evil> must not read as the bank), control or direction-changing characters, or
-- longer than 100 characters. Those customers are shown by their address.
UPDATE customers SET name = NULL WHERE name IS NOT NULL AND (name LIKE '%@%' OR length(name) > 100 OR name ~ '[\u0001-\u001f\u200e\u200f\u202a-\u202e\u2066-\u2069]');
--> statement-breakpoint
UPDATE tickets SET customer_id = (SELECT c.id FROM customers c WHERE c.email = lower(tickets.external_author))
WHERE external_author IS NOT NULL;
--> statement-breakpoint
UPDATE tickets SET preview = trim(left(translate(coalesce(
  (SELECT n.body FROM notes n WHERE n.ticket_id = tickets.id AND n.internal = false AND n.system = false ORDER BY n.id DESC LIMIT 1),
  description), E'\r\n\t', '   '), 160));
--> statement-breakpoint
UPDATE tickets SET first_response_at = (
  SELECT min(n.created_at) FROM notes n JOIN users u ON u.id = n.author_id
  WHERE n.ticket_id = tickets.id AND n.external_author IS NULL AND n.internal = false AND n.system = false AND u.kind = 'human');
--> statement-breakpoint
UPDATE tickets SET waiting_since = coalesce(
  (SELECT max(n.created_at) FROM notes n WHERE n.ticket_id = tickets.id AND n.external_author IS NOT NULL AND n.internal = false AND n.system = false),
  CASE WHEN email_id IS NOT NULL THEN created_at END)
WHERE state = 'opened';
--> statement-breakpoint
UPDATE tickets SET waiting_since = NULL
WHERE waiting_since IS NOT NULL AND EXISTS (
  SELECT 1 FROM notes n JOIN users u ON u.id = n.author_id
  WHERE n.ticket_id = tickets.id AND n.external_author IS NULL AND n.internal = false AND n.system = false AND u.kind = 'human'
    AND n.created_at >= tickets.waiting_since);
