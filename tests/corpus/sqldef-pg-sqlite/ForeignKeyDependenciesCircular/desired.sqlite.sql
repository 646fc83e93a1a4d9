CREATE TABLE departments (
  dept_id int PRIMARY KEY,
  name VARCHAR(100),
  manager_id int,
  CONSTRAINT dept_manager_fk FOREIGN KEY (manager_id) REFERENCES employees (emp_id)
);
CREATE TABLE employees (
  emp_id int PRIMARY KEY,
  dept_id int,
  name VARCHAR(100),
  CONSTRAINT emp_dept_fk FOREIGN KEY (dept_id) REFERENCES departments (dept_id)
);
