-- Custom SQL migration (drizzle-kit generate --custom): what tickets from before customers and
-- queue rows existed need. A customer's name is the one their latest mail gave, when one did.
INSERT INTO customers (email, name, domain, notes, created_at, updated_at)
SELECT g.email,
  (SELECT n.external_author_name FROM tickets n
    WHERE lower(n.external_author) = g.email AND n.external_author_name IS NOT NULL ORDER BY n.created_at DESC LIMIT 1),
  g.domain, '', g.first_at, g.first_at
FROM (
  SELECT lower(external_author) AS email, min(lower(substr(external_author, instr(external_author, '@') + 1))) AS domain, min(created_at) AS first_at
  FROM tickets
  WHERE external_author IS NOT NULL AND instr(external_author, '@') > 0
  GROUP BY lower(external_author)
) g;
--> statement-breakpoint
-- Names go through the same rule as new mail's (decision 013): never one with an address in it
-- ("ceo@bank" <x@evil> must not read as the bank), control or direction-changing characters, or
-- longer than 100 characters. Those customers are shown by their address.
UPDATE customers SET name = NULL WHERE name IS NOT NULL AND (name LIKE '%@%' OR length(name) > 100 OR name GLOB '*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,27,8206,8207,8234,8235,8236,8237,8238,8294,8295,8296,8297) || ']*');
--> statement-breakpoint
UPDATE tickets SET customer_id = (SELECT c.id FROM customers c WHERE c.email = lower(tickets.external_author))
WHERE external_author IS NOT NULL;
--> statement-breakpoint
UPDATE tickets SET preview = trim(substr(replace(replace(replace(coalesce(
  (SELECT n.body FROM notes n WHERE n.ticket_id = tickets.id AND n.internal = 0 AND n.system = 0 ORDER BY n.id DESC LIMIT 1),
  description), char(13), ' '), char(10), ' '), char(9), ' '), 1, 160));
--> statement-breakpoint
UPDATE tickets SET first_response_at = (
  SELECT min(n.created_at) FROM notes n JOIN users u ON u.id = n.author_id
  WHERE n.ticket_id = tickets.id AND n.external_author IS NULL AND n.internal = 0 AND n.system = 0 AND u.kind = 'human');
--> statement-breakpoint
UPDATE tickets SET waiting_since = coalesce(
  (SELECT max(n.created_at) FROM notes n WHERE n.ticket_id = tickets.id AND n.external_author IS NOT NULL AND n.internal = 0 AND n.system = 0),
  CASE WHEN email_id IS NOT NULL THEN created_at END)
WHERE state = 'opened';
--> statement-breakpoint
UPDATE tickets SET waiting_since = NULL
WHERE waiting_since IS NOT NULL AND EXISTS (
  SELECT 1 FROM notes n JOIN users u ON u.id = n.author_id
  WHERE n.ticket_id = tickets.id AND n.external_author IS NULL AND n.internal = 0 AND n.system = 0 AND u.kind = 'human'
    AND n.created_at >= tickets.waiting_since);
