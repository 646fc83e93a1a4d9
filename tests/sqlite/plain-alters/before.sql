CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, legacy TEXT);
CREATE TABLE old_books (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER REFERENCES authors (id) ON DELETE CASCADE);
CREATE INDEX authors_legacy ON authors (legacy);
CREATE INDEX old_books_title ON old_books (title);
