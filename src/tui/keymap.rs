//! Placeholder: being written (keymap files, merge, sequences).
