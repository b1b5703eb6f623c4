-- When the current assignment's AE was asked (issue 32): a decision reads it from the handoff instead of the touch log. Null on handoffs sent before it: the touch log still says.
ALTER TABLE `handoffs` ADD `asked_at` integer;
