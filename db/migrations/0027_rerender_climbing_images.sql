-- Review 9/10: an image in stored HTML may climb out of /attachments/ (`/attachments/<token>/../../x`,
-- or percent-encoded dots): rendered before the sanitiser checked exact attachment paths, it would
-- still make every reader's browser call another of our URLs. Such HTML is rendered again by the
-- render backfill (server/domain/notes/render-backfill.ts) at the next start, with today's rules;
-- meanwhile the text shows plain. Only HTML with an attachment image and `..` or `%2e` anywhere is
-- touched (a few harmless extras, such as "wait..." beside an image, are rendered again too).
-- ESCAPE '!' rather than a backslash: the same on both engines whatever standard_conforming_strings says.
UPDATE notes SET body_html = NULL
  WHERE system = false AND body_html LIKE '%src="/attachments/%' AND (body_html LIKE '%..%' OR lower(body_html) LIKE '%!%2e%' ESCAPE '!');
--> statement-breakpoint
UPDATE tickets SET description_html = NULL
  WHERE description_html LIKE '%src="/attachments/%' AND (description_html LIKE '%..%' OR lower(description_html) LIKE '%!%2e%' ESCAPE '!');
--> statement-breakpoint
-- the customer's own text of a ticket opened under an issue template (the customer view shows it)
UPDATE tickets SET customer_description_html = NULL
  WHERE customer_description IS NOT NULL AND customer_description_html LIKE '%src="/attachments/%'
    AND (customer_description_html LIKE '%..%' OR lower(customer_description_html) LIKE '%!%2e%' ESCAPE '!');
