//! Tag and attribute names as atoms, with a small cache: the same few names come back again and
//! again, and making a `LocalName` from a string hashes it (and may take a global lock).

use html5ever::LocalName;

const SLOTS: usize = 256;

/// A direct-mapped cache of recently made names.
pub(crate) struct NameCache {
    slots: [Option<LocalName>; SLOTS],
}

impl NameCache {
    pub(crate) fn new() -> Self {
        NameCache {
            slots: [const { None }; SLOTS],
        }
    }

    /// The name as html5ever builds it from `raw`: ASCII lowercased, U+0000 as U+FFFD.
    pub(crate) fn name(&mut self, raw: &str) -> LocalName {
        if raw.bytes().any(|b| b.is_ascii_uppercase() || b == 0) {
            let lowered: String = raw
                .chars()
                .map(|c| match c {
                    '\0' => '\u{fffd}',
                    c => c.to_ascii_lowercase(),
                })
                .collect();
            return self.atom(&lowered);
        }
        self.atom(raw)
    }

    fn atom(&mut self, name: &str) -> LocalName {
        let bytes = name.as_bytes();
        let first = bytes.first().copied().unwrap_or(0) as usize;
        let last = bytes.last().copied().unwrap_or(0) as usize;
        let slot = (bytes.len().wrapping_mul(31) ^ first.wrapping_mul(7) ^ (last << 2)) % SLOTS;
        if let Some(cached) = &self.slots[slot]
            && &**cached == name
        {
            return cached.clone();
        }
        let atom = LocalName::from(name);
        self.slots[slot] = Some(atom.clone());
        atom
    }
}
