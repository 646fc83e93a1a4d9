CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
CREATE TABLE post_tags (post_id INTEGER REFERENCES posts (id) ON DELETE CASCADE, tag_id INTEGER, note TEXT);
CREATE INDEX post_tags_tag ON post_tags (tag_id);
