-- One feedback row per user and item: a thumbs flip replaces the earlier vote (the latest kind
-- wins) instead of adding a row per click, so feedback cannot grow without bound.
DELETE FROM chatkit_feedback
WHERE id NOT IN (SELECT MAX(id) FROM chatkit_feedback GROUP BY user_id, thread_id, item_id);
CREATE UNIQUE INDEX chatkit_feedback_once ON chatkit_feedback (user_id, thread_id, item_id);
