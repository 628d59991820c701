-- The full-text indexes keep no copy of the text (FTS5 external content): the tickets and notes
-- tables hold it already. The copy was ~14 KB per ticket, written on every ingested message;
-- searches read only the index (MATCH and rowid). An external-content index removes a row's
-- words with the 'delete' command and the row's old values, so the triggers pass them.
DROP TRIGGER `tickets_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `tickets_fts_au`;
--> statement-breakpoint
DROP TRIGGER `tickets_fts_ad`;
--> statement-breakpoint
DROP TRIGGER `notes_fts_ai`;
--> statement-breakpoint
DROP TRIGGER `notes_fts_ad`;
--> statement-breakpoint
DROP TABLE `ticket_fts`;
--> statement-breakpoint
DROP TABLE `note_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `ticket_fts` USING fts5(title, description, content = 'tickets', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
-- Only customers' and responders' notes are indexed (not system notes): never run 'rebuild' on
-- note_fts, which would index every row of notes.
CREATE VIRTUAL TABLE `note_fts` USING fts5(body, content = 'notes', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ai` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `ticket_fts`(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_au` AFTER UPDATE OF `title`, `description` ON `tickets` BEGIN
  INSERT INTO `ticket_fts`(`ticket_fts`, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO `ticket_fts`(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ad` AFTER DELETE ON `tickets` BEGIN
  INSERT INTO `ticket_fts`(`ticket_fts`, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ai` AFTER INSERT ON `notes` WHEN new.system = 0 BEGIN
  INSERT INTO `note_fts`(rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ad` AFTER DELETE ON `notes` WHEN old.system = 0 BEGIN
  INSERT INTO `note_fts`(`note_fts`, rowid, body) VALUES ('delete', old.id, old.body);
END;
--> statement-breakpoint
INSERT INTO `ticket_fts`(`ticket_fts`) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO `note_fts`(rowid, body) SELECT id, body FROM `notes` WHERE system = 0;
