-- Rooms published in this server's public room directory.
CREATE TABLE client_room_directory (
    room_id TEXT NOT NULL PRIMARY KEY
);
