//! helpsite's search core.
