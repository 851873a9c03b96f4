DROP TABLE training_positionings;
