//! A local fake of Algolia's REST API for the tests: it records every request (method, path,
//! headers, JSON body), keeps the records and settings it is sent, answers searches with a naive
//! match over the records (filters, facets, offset/length, highlight tags), and can be switched
//! to refuse requests (403) or to be unavailable (503).

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{json, Value};

pub const APP_ID: &str = "OCPIZZATEST";
pub const API_KEY: &str = "admin-key-never-shown-0123456789";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Up,
    /// 403 with Algolia's message for a bad key.
    Reject,
    /// 503, as during an outage.
    Unavailable,
}

#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Recorded>>,
    objects: Mutex<BTreeMap<String, Value>>,
    settings: Mutex<Option<Value>>,
    mode: Mutex<Option<Mode>>,
    tasks: Mutex<i64>,
}

pub struct FakeAlgolia {
    pub url: String,
    state: Arc<State>,
    handle: ServerHandle,
}

impl FakeAlgolia {
    pub fn start() -> FakeAlgolia {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    pub fn start_on(listener: TcpListener) -> FakeAlgolia {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State::default());
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(answer))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeAlgolia {
            url: format!("http://127.0.0.1:{port}"),
            state,
            handle,
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = Some(mode);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The records of the index, by objectID.
    pub fn objects(&self) -> BTreeMap<String, Value> {
        self.state.objects.lock().unwrap().clone()
    }

    pub fn settings(&self) -> Option<Value> {
        self.state.settings.lock().unwrap().clone()
    }

    /// Waits (up to `seconds`) until `done` holds for the index's records.
    pub async fn wait_for(
        &self,
        seconds: u64,
        done: impl Fn(&BTreeMap<String, Value>) -> bool,
    ) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while std::time::Instant::now() < deadline {
            if done(&self.objects()) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        done(&self.objects())
    }
}

impl Drop for FakeAlgolia {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// A free port, not listened on (yet): Algolia "down".
pub fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn answer(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let recorded = Recorded {
        method: req.method().to_string(),
        path: req.path().to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    state.requests.lock().unwrap().push(recorded.clone());
    match state.mode.lock().unwrap().unwrap_or(Mode::Up) {
        Mode::Up => {}
        Mode::Reject => {
            return HttpResponse::Forbidden()
                .json(json!({"message": "Invalid Application-ID or API key", "status": 403}))
        }
        Mode::Unavailable => {
            return HttpResponse::ServiceUnavailable()
                .json(json!({"message": "Service Unavailable", "status": 503}))
        }
    }
    if recorded
        .headers
        .get("x-algolia-application-id")
        .map(String::as_str)
        != Some(APP_ID)
        || recorded
            .headers
            .get("x-algolia-api-key")
            .map(String::as_str)
            != Some(API_KEY)
    {
        return HttpResponse::Forbidden()
            .json(json!({"message": "Invalid Application-ID or API key", "status": 403}));
    }
    let segments: Vec<&str> = recorded.path.trim_matches('/').split('/').collect();
    let task_id = {
        let mut tasks = state.tasks.lock().unwrap();
        *tasks += 1;
        *tasks
    };
    match (recorded.method.as_str(), segments.as_slice()) {
        ("PUT", ["1", "indexes", _, "settings"]) => {
            *state.settings.lock().unwrap() = Some(recorded.body.clone());
            HttpResponse::Ok().json(json!({"taskID": task_id, "updatedAt": "2026-11-24T12:00:00Z"}))
        }
        ("POST", ["1", "indexes", _, "batch"]) => {
            let mut objects = state.objects.lock().unwrap();
            let mut ids = Vec::new();
            for op in recorded.body["requests"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                let id = op["body"]["objectID"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                match op["action"].as_str() {
                    Some("updateObject") => {
                        objects.insert(id.clone(), op["body"].clone());
                    }
                    Some("deleteObject") => {
                        objects.remove(&id);
                    }
                    other => {
                        return HttpResponse::BadRequest()
                            .json(json!({"message": format!("unknown action {other:?}")}))
                    }
                }
                ids.push(id);
            }
            HttpResponse::Ok().json(json!({"taskID": task_id, "objectIDs": ids}))
        }
        ("POST", ["1", "indexes", _, "query"]) => {
            HttpResponse::Ok().json(search(&state.objects.lock().unwrap(), &recorded.body))
        }
        _ => HttpResponse::NotFound().json(json!({"message": "Not found", "status": 404})),
    }
}

fn fold(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every query word must start a word of the record (a crude stand-in for Algolia's engine).
fn search(objects: &BTreeMap<String, Value>, request: &Value) -> Value {
    let query = words(request["query"].as_str().unwrap_or_default());
    let filters = request["filters"].as_str().unwrap_or_default().to_string();
    let pre = request["highlightPreTag"]
        .as_str()
        .unwrap_or("<em>")
        .to_string();
    let post = request["highlightPostTag"]
        .as_str()
        .unwrap_or("</em>")
        .to_string();
    let text_of = |o: &Value| -> String {
        let mut parts = vec![
            o["name"].as_str().unwrap_or_default().to_string(),
            o["description"].as_str().unwrap_or_default().to_string(),
            o["category_name"].as_str().unwrap_or_default().to_string(),
        ];
        for key in ["ingredients", "keywords"] {
            for v in o[key].as_array().cloned().unwrap_or_default() {
                parts.push(v.as_str().unwrap_or_default().to_string());
            }
        }
        parts.join(" ")
    };
    let passes = |o: &Value| -> bool {
        filters.split(" AND ").filter(|f| !f.is_empty()).all(|f| {
            let (negated, f) = match f.strip_prefix("NOT ") {
                Some(rest) => (true, rest),
                None => (false, f),
            };
            let (attribute, value) = f.split_once(':').unwrap();
            let value = value.trim_matches('"');
            let holds = match &o[attribute] {
                Value::Array(items) => items.iter().any(|i| i.as_str() == Some(value)),
                Value::Bool(b) => b.to_string() == value,
                Value::String(s) => s == value,
                _ => false,
            };
            holds != negated
        })
    };
    let mut matches: Vec<&Value> = objects
        .values()
        .filter(|o| {
            let text = words(&text_of(o));
            query
                .iter()
                .all(|q| text.iter().any(|w| w.starts_with(q.as_str())))
        })
        .filter(|o| passes(o))
        .collect();
    matches.sort_by_key(|o| o["menu_rank"].as_i64().unwrap_or_default());
    let mark = |text: &str| -> Value {
        let mut any = false;
        let marked: Vec<String> = text
            .split(' ')
            .map(|w| {
                let folded = fold(w);
                if query.iter().any(|q| folded.starts_with(q.as_str())) {
                    any = true;
                    format!("{pre}{w}{post}")
                } else {
                    w.to_string()
                }
            })
            .collect();
        json!({"value": marked.join(" "), "matchLevel": if any { "full" } else { "none" }, "matchedWords": []})
    };
    let mut facets: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for o in &matches {
        for facet in request["facets"].as_array().cloned().unwrap_or_default() {
            let facet = facet.as_str().unwrap_or_default().to_string();
            let value = match &o[&facet] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            *facets.entry(facet).or_default().entry(value).or_default() += 1;
        }
    }
    let offset = request["offset"].as_u64().unwrap_or(0) as usize;
    let length = request["length"].as_u64().unwrap_or(20) as usize;
    // Algolia's paging: the `length` records after the first `offset`.
    let page = matches.get(offset..).unwrap_or_default();
    let hits: Vec<Value> = page[..length.min(page.len())]
        .iter()
        .map(|o| {
            json!({
                "objectID": o["objectID"],
                "_highlightResult": {
                    "name": mark(o["name"].as_str().unwrap_or_default()),
                    "description": mark(o["description"].as_str().unwrap_or_default()),
                    "ingredients": o["ingredients"].as_array().cloned().unwrap_or_default()
                        .iter().map(|i| mark(i.as_str().unwrap_or_default())).collect::<Vec<_>>(),
                }
            })
        })
        .collect();
    json!({
        "hits": hits,
        "nbHits": matches.len(),
        "page": 0,
        "nbPages": 1,
        "hitsPerPage": length,
        "facets": facets,
        "processingTimeMS": 1,
        "query": request["query"],
        "params": ""
    })
}
