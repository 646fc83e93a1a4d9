CREATE TABLE departments (
  dept_id int PRIMARY KEY,
  name VARCHAR(100)
);
CREATE TABLE employees (
  emp_id int PRIMARY KEY,
  dept_id int,
  name VARCHAR(100)
);
