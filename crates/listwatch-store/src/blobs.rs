//! Entity encodings packed, compressed and content-addressed.
//!
//! New entity encodings are appended to a pack; a full pack (about 1 MiB of encodings) is
//! LZ4-compressed and written in chunks. Reading an entity decompresses its pack once and keeps it
//! for the rest of the read, since a version's entities are read together.

use std::collections::HashMap;
use std::rc::Rc;

use redb::ReadableTable;

use listwatch_model::Entity;

use crate::error::{Error, Result};
use crate::schema::{BLOBS, META, PACKS};
use crate::store::decode;
use crate::types::Hash;

/// Raw bytes gathered before a pack is compressed and written.
const PACK_TARGET: usize = 1 << 20;

/// The size of a chunk value. The engine stores a value with its leaf page header and key in a
/// power-of-two number of 4 KiB pages; 64 KiB less this allowance fills 16 pages exactly.
const CHUNK_SIZE: usize = 65_536 - 128;

/// Where an encoding is: (pack, offset, length) in the decompressed pack.
pub(crate) type Location = (u64, u32, u32);

const NEXT_PACK_KEY: &str = "next_pack";

/// Collects new encodings into packs inside one write transaction.
pub(crate) struct PackWriter<'t> {
    txn: &'t redb::WriteTransaction,
    pack: u64,
    buffer: Vec<u8>,
    pending: Vec<(Hash, u32, u32)>,
    seen: std::collections::HashSet<Hash>,
}

impl<'t> PackWriter<'t> {
    pub(crate) fn new(txn: &'t redb::WriteTransaction) -> Result<PackWriter<'t>> {
        let meta = txn.open_table(META)?;
        let pack = match meta.get(NEXT_PACK_KEY)? {
            Some(value) => u64::from_le_bytes(
                value
                    .value()
                    .try_into()
                    .map_err(|_| Error::Corrupt("next_pack is not 8 bytes".into()))?,
            ),
            None => 0,
        };
        Ok(PackWriter {
            txn,
            pack,
            buffer: Vec::new(),
            pending: Vec::new(),
            seen: Default::default(),
        })
    }

    /// Stores an encoding unless an equal one (same hash) is stored already.
    pub(crate) fn add(&mut self, hash: &Hash, bytes: &[u8]) -> Result<()> {
        if self.seen.contains(hash) || self.txn.open_table(BLOBS)?.get(hash.as_slice())?.is_some() {
            return Ok(());
        }
        self.seen.insert(*hash);
        let offset = self.buffer.len() as u32;
        self.buffer.extend_from_slice(bytes);
        self.pending.push((*hash, offset, bytes.len() as u32));
        if self.buffer.len() >= PACK_TARGET {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let compressed = lz4_flex::compress_prepend_size(&self.buffer);
        let mut packs = self.txn.open_table(PACKS)?;
        for (chunk_idx, chunk) in compressed.chunks(CHUNK_SIZE).enumerate() {
            packs.insert((self.pack, chunk_idx as u32), chunk)?;
        }
        let mut blobs = self.txn.open_table(BLOBS)?;
        for (hash, offset, len) in self.pending.drain(..) {
            blobs.insert(hash.as_slice(), (self.pack, offset, len))?;
        }
        self.buffer.clear();
        self.pack += 1;
        Ok(())
    }

    /// Writes the last pack and the next pack number.
    pub(crate) fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.txn.open_table(META)?.insert(NEXT_PACK_KEY, self.pack.to_le_bytes().as_slice())?;
        Ok(())
    }
}

/// Reads entities by hash, keeping decompressed packs for the life of the reader.
pub(crate) struct BlobReader<B, P> {
    blobs: B,
    packs: P,
    cache: HashMap<u64, Rc<Vec<u8>>>,
}

impl<B, P> BlobReader<B, P>
where
    B: ReadableTable<&'static [u8], (u64, u32, u32)>,
    P: ReadableTable<(u64, u32), &'static [u8]>,
{
    pub(crate) fn new(blobs: B, packs: P) -> Self {
        BlobReader { blobs, packs, cache: HashMap::new() }
    }

    fn pack(&mut self, pack: u64) -> Result<Rc<Vec<u8>>> {
        if let Some(bytes) = self.cache.get(&pack) {
            return Ok(Rc::clone(bytes));
        }
        let mut compressed = Vec::new();
        for row in self.packs.range((pack, 0)..=(pack, u32::MAX))? {
            let (_, value) = row?;
            compressed.extend_from_slice(value.value());
        }
        let bytes = lz4_flex::decompress_size_prepended(&compressed)
            .map_err(|err| Error::Corrupt(format!("pack {pack} does not decompress: {err}")))?;
        let bytes = Rc::new(bytes);
        self.cache.insert(pack, Rc::clone(&bytes));
        Ok(bytes)
    }

    /// The entity with this content hash.
    pub(crate) fn entity(&mut self, hash: &Hash) -> Result<Entity> {
        let (pack, offset, len): Location = self
            .blobs
            .get(hash.as_slice())?
            .map(|value| value.value())
            .ok_or_else(|| Error::Corrupt("an entity record is missing".to_string()))?;
        let bytes = self.pack(pack)?;
        let slice =
            bytes.get(offset as usize..offset as usize + len as usize).ok_or_else(|| {
                Error::Corrupt(format!("an entity record points outside pack {pack}"))
            })?;
        decode(slice)
    }
}
