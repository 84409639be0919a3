-- A table and a trigger that copies every new note into a log.
CREATE TABLE testdb_notes (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL
);

CREATE TABLE testdb_note_log (
    body TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TRIGGER testdb_notes_logged AFTER INSERT ON testdb_notes
BEGIN
    INSERT INTO testdb_note_log (body, kind)
        VALUES (NEW.body, CASE WHEN length(NEW.body) > 3 THEN 'long' ELSE 'short' END);
END;

-- A string holding a quote and a semicolon.
INSERT INTO testdb_note_log (body, kind) VALUES ('seed''s; first', 'seed');
