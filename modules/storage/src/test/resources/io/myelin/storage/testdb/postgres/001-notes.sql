-- A table and a trigger that copies every new note into a log.
CREATE TABLE testdb_notes (
    id   BIGSERIAL PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE testdb_note_log (
    body TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE FUNCTION testdb_log_note() RETURNS trigger AS $body$
BEGIN
    INSERT INTO testdb_note_log (body, kind)
        VALUES (NEW.body, CASE WHEN length(NEW.body) > 3 THEN 'long' ELSE 'short' END);
    RETURN NEW;
END;
$body$ LANGUAGE plpgsql;

CREATE TRIGGER testdb_notes_logged AFTER INSERT ON testdb_notes
    FOR EACH ROW EXECUTE FUNCTION testdb_log_note();

-- An escape string holding a quote and a semicolon.
INSERT INTO testdb_note_log (body, kind) VALUES (E'seed\'s; first', 'seed');
