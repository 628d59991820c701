-- Full-text search (FTS5, SQLite only; see server/domain/search.ts). Ticket documents are keyed
-- by ticket id, note documents by note id, so updates and deletes touch one row each.
CREATE VIRTUAL TABLE `ticket_fts` USING fts5(title, description, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `note_fts` USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ai` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `ticket_fts`(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_au` AFTER UPDATE OF `title`, `description` ON `tickets` BEGIN
  DELETE FROM `ticket_fts` WHERE rowid = old.id;
  INSERT INTO `ticket_fts`(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ad` AFTER DELETE ON `tickets` BEGIN
  DELETE FROM `ticket_fts` WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ai` AFTER INSERT ON `notes` WHEN new.system = 0 BEGIN
  INSERT INTO `note_fts`(rowid, body) VALUES (new.id, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `notes_fts_ad` AFTER DELETE ON `notes` BEGIN
  DELETE FROM `note_fts` WHERE rowid = old.id;
END;
--> statement-breakpoint
INSERT INTO `ticket_fts`(rowid, title, description) SELECT id, title, description FROM `tickets`;
--> statement-breakpoint
INSERT INTO `note_fts`(rowid, body) SELECT id, body FROM `notes` WHERE system = 0;
