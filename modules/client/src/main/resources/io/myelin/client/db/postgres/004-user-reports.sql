-- Reports of users by local users, kept for the server's administrators to review, beside client_reports.
CREATE TABLE client_user_reports (
    user_id     TEXT   NOT NULL,
    reporter    TEXT   NOT NULL,
    reason      TEXT   NOT NULL,
    received_ts BIGINT NOT NULL
);
CREATE INDEX client_user_reports_user ON client_user_reports (user_id);
