//! A small typed client over Algolia's REST API (v1): search an index, push its settings, send a
//! batch of writes. Searches go to `https://{APP_ID}-dsn.algolia.net`, writes to
//! `https://{APP_ID}.algolia.net`; `ALGOLIA_BASE_URL` replaces both (a proxy, a local fake).
//! The API key is sent in a header only: it is never logged, shown in errors or given to clients.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::highlight::{self, ALGOLIA_POST_TAG, ALGOLIA_PRE_TAG};
use super::model::{Facets, Found, Highlights, Scope, SearchQuery};
pub use super::records::{BatchOperation, IndexSettings, ObjectId};
use crate::config::Config;

/// A search must answer quickly, or PostgreSQL answers instead.
const SEARCH_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum AlgoliaError {
    #[error("cannot reach Algolia: {0}")]
    Unreachable(String),
    #[error("Algolia refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("unexpected answer from Algolia: {0}")]
    Unexpected(String),
}

impl AlgoliaError {
    /// Worth retrying later (network, rate limit, Algolia's own errors).
    pub fn is_transient(&self) -> bool {
        match self {
            AlgoliaError::Unreachable(_) | AlgoliaError::Unexpected(_) => true,
            AlgoliaError::Refused { status, .. } => *status == 429 || *status >= 500,
        }
    }
}

pub struct AlgoliaClient {
    http: reqwest::Client,
    app_id: String,
    api_key: String,
    search_url: String,
    write_url: String,
    index: String,
}

impl std::fmt::Debug for AlgoliaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlgoliaClient")
            .field("app_id", &self.app_id)
            .field("search_url", &self.search_url)
            .field("write_url", &self.write_url)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct BatchBody<'a> {
    requests: &'a [BatchOperation],
}

/// Algolia's answer to a write: the task that applies it.
#[derive(Deserialize, Debug, Clone)]
pub struct Task {
    #[serde(rename = "taskID")]
    pub task_id: i64,
}

/// `POST /1/indexes/{index}/query`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    pub facets: Vec<String>,
    pub offset: i64,
    pub length: i64,
    pub attributes_to_retrieve: Vec<String>,
    pub attributes_to_highlight: Vec<String>,
    pub highlight_pre_tag: String,
    pub highlight_post_tag: String,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SearchResponse {
    pub hits: Vec<Hit>,
    pub nb_hits: i64,
    #[serde(default)]
    pub facets: HashMap<String, HashMap<String, i64>>,
}

#[derive(Deserialize, Debug, Clone)]
pub struct Hit {
    #[serde(rename = "objectID")]
    pub object_id: String,
    #[serde(rename = "_highlightResult", default)]
    pub highlight_result: HighlightResult,
}

#[derive(Deserialize, Debug, Clone, Default)]
pub struct HighlightResult {
    pub name: Option<HighlightValue>,
    pub description: Option<HighlightValue>,
    #[serde(default)]
    pub ingredients: Vec<HighlightValue>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct HighlightValue {
    pub value: String,
    /// `none`, `partial` or `full`.
    #[serde(default)]
    pub match_level: String,
}

impl HighlightValue {
    fn to_html(&self) -> Option<String> {
        if self.match_level == "none" {
            return None;
        }
        highlight::to_html(&highlight::from_algolia(&self.value))
    }
}

#[derive(Deserialize)]
struct AlgoliaMessage {
    message: String,
}

impl AlgoliaClient {
    /// `None` when Algolia is not configured.
    pub fn from_config(config: &Config) -> Option<Result<AlgoliaClient, AlgoliaError>> {
        let app_id = config.algolia_app_id.as_ref()?;
        let api_key = config.algolia_api_key.as_ref()?;
        Some(AlgoliaClient::new(
            app_id,
            api_key,
            config.algolia_base_url.as_deref(),
            &format!("{}_products", config.app_env.as_str()),
        ))
    }

    pub fn new(
        app_id: &str,
        api_key: &str,
        base_url: Option<&str>,
        index: &str,
    ) -> Result<AlgoliaClient, AlgoliaError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .user_agent(concat!("ocpizza/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AlgoliaError::Unexpected(format!("HTTP client: {e}")))?;
        let (search_url, write_url) = match base_url {
            Some(base) => (base.to_string(), base.to_string()),
            None => (
                format!("https://{app_id}-dsn.algolia.net"),
                format!("https://{app_id}.algolia.net"),
            ),
        };
        Ok(AlgoliaClient {
            http,
            app_id: app_id.to_string(),
            api_key: api_key.to_string(),
            search_url,
            write_url,
            index: index.to_string(),
        })
    }

    pub fn index_name(&self) -> &str {
        &self.index
    }

    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResponse, AlgoliaError> {
        let url = format!("{}/1/indexes/{}/query", self.search_url, self.index);
        self.send(Method::POST, url, request, SEARCH_TIMEOUT).await
    }

    pub async fn set_settings(&self, settings: &IndexSettings) -> Result<Task, AlgoliaError> {
        let url = format!("{}/1/indexes/{}/settings", self.write_url, self.index);
        self.send(Method::PUT, url, settings, WRITE_TIMEOUT).await
    }

    pub async fn batch(&self, operations: &[BatchOperation]) -> Result<Task, AlgoliaError> {
        let url = format!("{}/1/indexes/{}/batch", self.write_url, self.index);
        let body = BatchBody {
            requests: operations,
        };
        self.send(Method::POST, url, &body, WRITE_TIMEOUT).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        url: String,
        body: &impl Serialize,
        timeout: Duration,
    ) -> Result<T, AlgoliaError> {
        let response = self
            .http
            .request(method, url)
            .header("X-Algolia-Application-Id", &self.app_id)
            .header("X-Algolia-API-Key", &self.api_key)
            .timeout(timeout)
            .json(body)
            .send()
            .await
            .map_err(|e| AlgoliaError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| AlgoliaError::Unreachable(e.without_url().to_string()))?;
        if !status.is_success() {
            let message = serde_json::from_slice::<AlgoliaMessage>(&bytes)
                .map(|m| m.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).chars().take(200).collect());
            return Err(AlgoliaError::Refused {
                status: status.as_u16(),
                message,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| AlgoliaError::Unexpected(e.to_string()))
    }
}

/// The Algolia form of a search: the same filters, page and highlights as the PostgreSQL engine.
pub fn search_request(query: &SearchQuery, scope: &Scope) -> SearchRequest {
    let mut filters: Vec<String> = Vec::new();
    if let Some((_, slug)) = &scope.category {
        filters.push(format!("category:\"{slug}\""));
    }
    if let Some(v) = query.vegetarian {
        filters.push(format!("vegetarian:{v}"));
    }
    for allergen in &query.allergen_free {
        filters.push(format!("NOT allergens:\"{allergen}\""));
    }
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    SearchRequest {
        query: query.text.clone(),
        filters: (!filters.is_empty()).then(|| filters.join(" AND ")),
        facets: strings(&["category", "vegetarian"]),
        offset: query.offset,
        length: query.limit,
        attributes_to_retrieve: strings(&["objectID"]),
        attributes_to_highlight: strings(&["name", "description", "ingredients"]),
        highlight_pre_tag: ALGOLIA_PRE_TAG.to_string(),
        highlight_post_tag: ALGOLIA_POST_TAG.to_string(),
    }
}

/// The hits (scored by rank: Algolia gives an order, not a score), facets and total.
pub(crate) fn found(answer: &SearchResponse, offset: i64) -> (Vec<Found>, Facets, i64) {
    let total = answer.nb_hits.max(0);
    let found = answer
        .hits
        .iter()
        .enumerate()
        .filter_map(|(i, hit)| {
            let product_id = Uuid::parse_str(&hit.object_id).ok()?;
            let position = offset + i as i64;
            let h = &hit.highlight_result;
            let ingredients: Vec<String> =
                h.ingredients.iter().filter_map(|v| v.to_html()).collect();
            Some(Found {
                product_id,
                score: if total > 0 {
                    ((total - position).max(0) as f64 / total as f64 * 10_000.0).round() / 10_000.0
                } else {
                    0.0
                },
                highlights: Highlights {
                    name: h.name.as_ref().and_then(|v| v.to_html()),
                    description: h.description.as_ref().and_then(|v| v.to_html()),
                    ingredients: (!ingredients.is_empty()).then_some(ingredients),
                },
            })
        })
        .collect();
    let mut facets = Facets::default();
    for (facet, target) in [
        ("category", &mut facets.category),
        ("vegetarian", &mut facets.vegetarian),
    ] {
        if let Some(counts) = answer.facets.get(facet) {
            target.extend(counts.iter().map(|(k, n)| (k.clone(), *n)));
        }
    }
    (found, facets, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batch_operations_use_algolias_action_and_body() {
        let ops = vec![BatchOperation::DeleteObject(ObjectId {
            object_id: "42".into(),
        })];
        assert_eq!(
            serde_json::to_value(BatchBody { requests: &ops }).unwrap(),
            json!({"requests": [{"action": "deleteObject", "body": {"objectID": "42"}}]})
        );
    }

    #[test]
    fn filters_combine_category_vegetarian_and_allergens() {
        let query = SearchQuery {
            text: "pizza".into(),
            shop_id: None,
            category: Some("pizzas-classiques".into()),
            vegetarian: Some(true),
            allergen_free: vec!["milk".into(), "gluten".into()],
            limit: 20,
            offset: 40,
        };
        let scope = Scope {
            category: Some((Uuid::nil(), "pizzas-classiques".into())),
            shop: None,
        };
        let request = serde_json::to_value(search_request(&query, &scope)).unwrap();
        assert_eq!(
            request["filters"],
            "category:\"pizzas-classiques\" AND vegetarian:true AND NOT allergens:\"milk\" AND NOT allergens:\"gluten\""
        );
        assert_eq!(request["offset"], 40);
        assert_eq!(request["length"], 20);
        assert_eq!(request["facets"], json!(["category", "vegetarian"]));
    }

    #[test]
    fn hits_are_scored_by_rank_and_highlighted() {
        let id = Uuid::new_v4();
        let answer: SearchResponse = serde_json::from_value(json!({
            "hits": [
                {"objectID": id.to_string(), "_highlightResult": {
                    "name": {"value": "__ocpizza_mark__Reine__/ocpizza_mark__", "matchLevel": "full"},
                    "description": {"value": "Sauce tomate", "matchLevel": "none"},
                    "ingredients": [{"value": "Jambon", "matchLevel": "none"}]}},
                {"objectID": "not-a-uuid"}
            ],
            "nbHits": 4,
            "facets": {"category": {"pizzas-classiques": 4}, "vegetarian": {"false": 4}}
        }))
        .unwrap();
        let (found, facets, total) = found(&answer, 0);
        assert_eq!(total, 4);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].score, 1.0);
        assert_eq!(
            found[0].highlights.name.as_deref(),
            Some("<mark>Reine</mark>")
        );
        assert_eq!(found[0].highlights.description, None);
        assert_eq!(found[0].highlights.ingredients, None);
        assert_eq!(facets.category["pizzas-classiques"], 4);
    }

    #[test]
    fn the_key_is_not_in_the_debug_output() {
        let client = AlgoliaClient::new("APP", "secret-admin-key", None, "test_products").unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("secret-admin-key"));
        assert!(shown.contains("https://APP-dsn.algolia.net"));
        assert!(shown.contains("https://APP.algolia.net"));
    }
}
