//! Personal data at rest: the data keys, the ciphers, sealing every stored
//! value again with a new key, and the encrypted file storage.

pub mod column;
pub mod data_key;
pub mod file_mac;
pub mod key_rotation;
pub mod lookup;
pub mod sm4_ctr;
pub mod storage;
