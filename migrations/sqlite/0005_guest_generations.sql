-- Per-user revocation of guest cookies and guest client secrets: a credential carries the
-- generation it was issued at and is refused once the user's generation is higher. No row
-- means generation 0.
CREATE TABLE guest_generations (
    user_id     TEXT PRIMARY KEY NOT NULL,
    generation  INTEGER NOT NULL
);

-- The reclamation sweep looks for attachments no thread holds (never sent, or their thread
-- was deleted: the foreign key sets thread_id to NULL), oldest first.
CREATE INDEX chatkit_attachments_unclaimed ON chatkit_attachments (created_at) WHERE thread_id IS NULL;
