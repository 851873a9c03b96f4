//! LHEO, the exchange language of training offers (décret 2015-742): the streaming reader, the
//! mapping of a `formation` to the catalogue's model with its rules, and the writer.

pub mod date;
pub mod map;
mod places;
pub mod read;
pub mod write;
