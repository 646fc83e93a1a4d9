CREATE TABLE Users (id integer PRIMARY KEY, old_col text);
