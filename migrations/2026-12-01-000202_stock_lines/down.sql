-- Nothing to undo: empty stock lines are harmless.
SELECT 1;
