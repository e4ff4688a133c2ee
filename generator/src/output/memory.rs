//! The output in memory, for the preview server.

use super::{OutputSink, check_output_path};
use anyhow::Result;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The build's files kept in memory, for the preview server.
#[derive(Default)]
pub(crate) struct MemoryOutput {
    files: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    pub(crate) fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(path)
            .cloned()
    }

    pub(crate) fn into_files(self) -> HashMap<String, Arc<[u8]>> {
        self.files.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .keys()
            .cloned()
            .collect();
        paths.sort();
        paths
    }
}

impl OutputSink for MemoryOutput {
    fn write(&self, path: &str, contents: &[u8]) -> Result<()> {
        check_output_path(path)?;
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(path.to_owned(), Arc::from(contents));
        Ok(())
    }
}
