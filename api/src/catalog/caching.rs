//! HTTP caching of the public catalog reads: an `ETag` and `Cache-Control: public, no-cache` (keep
//! it, revalidate before use) on every answer, 304 for an `If-None-Match` that still matches, the
//! body gzipped once per rendering for the clients that ask; and the small bounded map the
//! renderings live in.

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Write;
use std::sync::OnceLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

pub const CACHE_CONTROL: &str = "public, no-cache";

/// A JSON answer ready to send, with its ETag and, once asked for, its gzip.
pub struct Rendered {
    pub etag: String,
    pub json: Bytes,
    gzip: OnceLock<Option<Bytes>>,
}

impl Rendered {
    pub fn new(etag: String, json: Bytes) -> Rendered {
        Rendered {
            etag,
            json,
            gzip: OnceLock::new(),
        }
    }

    fn gzip(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(&self.json).ok()?;
                encoder.finish().ok().map(Bytes::from)
            })
            .as_ref()
    }
}

/// A short hex digest of some bytes, for ETags.
pub fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex::encode(&hasher.finalize()[..8])
}

/// Whether an `If-None-Match` header names this ETag (weak comparison, lists, `*`).
pub fn matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// A 304 when the client's copy is this one, else the JSON (gzipped when the client takes it).
pub fn answer(req: &HttpRequest, rendered: &Rendered) -> HttpResponse {
    let mut response = if matches(req, &rendered.etag) {
        HttpResponse::NotModified().finish()
    } else {
        match accepts_gzip(req).then(|| rendered.gzip()).flatten() {
            Some(gzip) => HttpResponse::Ok()
                .content_type("application/json")
                .insert_header((header::CONTENT_ENCODING, "gzip"))
                .body(gzip.clone()),
            None => HttpResponse::Ok()
                .content_type("application/json")
                .body(rendered.json.clone()),
        }
    };
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&rendered.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    response
}

/// A map holding at most `cap` entries; past it, the least recently used goes.
pub struct Bounded<K, V> {
    cap: usize,
    tick: u64,
    entries: HashMap<K, (V, u64)>,
}

impl<K: Hash + Eq + Clone, V: Clone> Bounded<K, V> {
    pub fn new(cap: usize) -> Self {
        Bounded {
            cap: cap.max(1),
            tick: 0,
            entries: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&mut self, key: &K) -> Option<V> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(v, used)| {
            *used = tick;
            v.clone()
        })
    }

    pub fn remove(&mut self, key: &K) {
        self.entries.remove(key);
    }

    pub fn insert(&mut self, key: K, value: V) {
        self.tick += 1;
        if self.entries.len() >= self.cap && !self.entries.contains_key(&key) {
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (value, self.tick));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_map_never_holds_more_than_its_cap_and_drops_the_least_recently_used() {
        let mut map = Bounded::new(3);
        for i in 0..1000 {
            map.insert(i, i * 2);
            assert!(map.len() <= 3);
        }
        assert_eq!(map.len(), 3);
        map.insert(1, 1);
        map.insert(2, 2);
        assert_eq!(map.get(&1), Some(1));
        map.insert(3, 3);
        map.insert(4, 4);
        // 2 was used least recently of 1, 2, 3.
        assert_eq!(map.get(&2), None);
        assert_eq!(map.get(&1), Some(1));
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn if_none_match_matches_lists_weak_tags_and_star() {
        let tag = "\"m1-2\"";
        let req = |v: &str| {
            TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, v))
                .to_http_request()
        };
        assert!(matches(&req("\"m1-2\""), tag));
        assert!(matches(&req("W/\"m1-2\""), tag));
        assert!(matches(&req("\"x\", \"m1-2\""), tag));
        assert!(matches(&req("*"), tag));
        assert!(!matches(&req("\"m1-3\""), tag));
        assert!(!matches(&TestRequest::default().to_http_request(), tag));
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it() {
        let rendered = Rendered::new("\"t\"".into(), Bytes::from(vec![b'a'; 5000]));
        let with = |v: &str| {
            TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, v))
                .to_http_request()
        };
        let zipped = answer(&with("br, gzip"), &rendered);
        assert_eq!(
            zipped.headers().get(header::CONTENT_ENCODING).unwrap(),
            "gzip"
        );
        let plain = answer(&with("gzip;q=0, br"), &rendered);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let none = answer(&TestRequest::default().to_http_request(), &rendered);
        assert!(none.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(none.headers().get(header::ETAG).unwrap(), "\"t\"");
        assert_eq!(
            none.headers().get(header::CACHE_CONTROL).unwrap(),
            CACHE_CONTROL
        );
    }
}
