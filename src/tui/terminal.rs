//! Placeholder: being written (terminal guard, panic hook, signals).
