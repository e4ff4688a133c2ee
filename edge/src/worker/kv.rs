//! The one module that touches `worker::KvStore`, for the APIs and the rarer page paths (a page's usual
//! one or two gets go through `page.js` instead): performs a [`KvReads`] concurrently (gets that
//! share a `cacheTtl` as one bulk get, each `list` walked with the core's [`ListWalk`]) within a time
//! budget, and makes [`KvWrite`]s. Failures are logged here and reported upward only as
//! [`KvUnavailable`], so no internal error text can reach a visitor.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select, try_join, try_join_all};
use worker::{Delay, Env, KvStore, console_error};

use crate::kv::{KvGet, KvList, KvListEntry, KvReads, KvSnapshot, KvWrite, ListWalk};

/// The name of the KV binding in `wrangler.jsonc`.
pub(super) const KV_BINDING: &str = "KV";

/// Groups the keys to get by their `cacheTtl`, in first-seen order.
fn gets_by_cache_ttl(gets: &[KvGet]) -> Vec<(Option<u64>, Vec<&str>)> {
    let mut groups: Vec<(Option<u64>, Vec<&str>)> = Vec::new();
    for get in gets {
        match groups.iter_mut().find(|(ttl, _)| *ttl == get.cache_ttl_seconds) {
            Some((_, keys)) => keys.push(&get.key),
            None => groups.push((get.cache_ttl_seconds, vec![&get.key])),
        }
    }
    groups
}

/// KV failed or did not answer in time; the details went to the log.
#[derive(Debug, Clone, Copy)]
pub(super) struct KvUnavailable;

/// The Worker's KV namespace.
pub(super) struct KvDriver {
    store: KvStore,
}

impl KvDriver {
    pub(super) fn from_env(env: &Env) -> Result<Self, KvUnavailable> {
        env.kv(KV_BINDING).map(|store| Self { store }).map_err(|error| {
            console_error!("KV binding `{KV_BINDING}` is unusable: {error}");
            KvUnavailable
        })
    }

    /// Performs every read at once; gives up after `budget`.
    pub(super) async fn read(&self, reads: &KvReads, budget: Duration) -> Result<KvSnapshot, KvUnavailable> {
        if reads.is_empty() {
            return Ok(KvSnapshot::new());
        }
        let gets = try_join_all(
            gets_by_cache_ttl(&reads.gets)
                .into_iter()
                .map(|(ttl, keys)| async move { Ok::<_, worker::Error>(self.get(ttl, keys).await?) }),
        );
        let lists = try_join_all(reads.lists.iter().map(|list| self.list(list)));
        let all = pin!(try_join(gets, lists));
        match select(all, pin!(Delay::from(budget))).await {
            Either::Left((Ok((values, listings)), _)) => {
                let mut snapshot = KvSnapshot::new();
                for (key, value) in values.into_iter().flatten() {
                    snapshot.insert_value(key, value);
                }
                for (prefix, entries) in listings {
                    snapshot.insert_listing(prefix, entries);
                }
                Ok(snapshot)
            }
            Either::Left((Err(error), _)) => {
                console_error!("KV read failed: {error}");
                Err(KvUnavailable)
            }
            Either::Right(_) => {
                console_error!(
                    "KV reads took longer than {} ms; going on without them",
                    budget.as_millis()
                );
                Err(KvUnavailable)
            }
        }
    }

    /// One KV call for keys read with the same `cacheTtl`: a plain get for one key, a bulk get for more.
    async fn get(
        &self,
        cache_ttl: Option<u64>,
        keys: Vec<&str>,
    ) -> Result<Vec<(String, Option<String>)>, worker::kv::KvError> {
        if let [key] = keys.as_slice() {
            let mut builder = self.store.get(key);
            if let Some(ttl) = cache_ttl {
                builder = builder.cache_ttl(ttl);
            }
            return Ok(vec![((*key).to_owned(), builder.text().await?)]);
        }
        let mut builder = self.store.get_bulk(&keys);
        if let Some(ttl) = cache_ttl {
            builder = builder.cache_ttl(ttl);
        }
        let mut values = builder.text().await?;
        Ok(keys
            .into_iter()
            .map(|key| (key.to_owned(), values.remove(key).flatten()))
            .collect())
    }

    /// One listing, walked page by page with [`ListWalk`] (bounded in pages, like every runtime's).
    async fn list(&self, list: &KvList) -> Result<(String, Vec<KvListEntry>), worker::Error> {
        let mut walk = ListWalk::new(list);
        while let Some(request) = walk.next_page() {
            let mut builder = self
                .store
                .list()
                .prefix(request.prefix.to_owned())
                .limit(request.limit as u64);
            if let Some(cursor) = request.cursor {
                builder = builder.cursor(cursor.to_owned());
            }
            let page = builder.execute().await?;
            let keys = page
                .keys
                .into_iter()
                .map(|key| KvListEntry {
                    name: key.name,
                    expiration: key.expiration,
                    metadata: key.metadata,
                })
                .collect();
            walk.record(keys, page.cursor, page.list_complete);
        }
        walk.finish()
            .map_err(|endless| worker::Error::RustError(endless.to_string()))
    }

    /// Makes the writes, all at once.
    pub(super) async fn write_all(&self, writes: &[KvWrite], budget: Duration) -> Result<(), KvUnavailable> {
        if writes.is_empty() {
            return Ok(());
        }
        let all = pin!(try_join_all(writes.iter().map(|write| self.put(write))));
        match select(all, pin!(Delay::from(budget))).await {
            Either::Left((Ok(_), _)) => Ok(()),
            Either::Left((Err(error), _)) => {
                console_error!("KV write failed: {error}");
                Err(KvUnavailable)
            }
            Either::Right(_) => {
                console_error!("KV writes took longer than {} ms", budget.as_millis());
                Err(KvUnavailable)
            }
        }
    }

    async fn put(&self, write: &KvWrite) -> Result<(), worker::kv::KvError> {
        let mut builder = self.store.put(&write.key, write.value.as_str())?;
        if let Some(ttl) = write.expiration_ttl {
            builder = builder.expiration_ttl(ttl);
        }
        if let Some(metadata) = &write.metadata {
            builder = builder.metadata(metadata)?;
        }
        builder.execute().await
    }
}
