DROP TABLE orientation_decisions;
