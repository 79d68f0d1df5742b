//! The store's own rules, on both backends.

use super::*;
use crate::testing::{BACKENDS, TestDb};

#[tokio::test]
async fn an_empty_in_list_matches_no_row_on_either_backend() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let mut read = test.db.read().await.unwrap();
        let ones = |values: Vec<i64>| {
            let mut query =
                Sql::new("SELECT n FROM (SELECT CAST(1 AS BIGINT) AS n) AS t WHERE n IN ");
            query.push_bind_list(values);
            query
        };
        let found: Vec<(i64,)> = read.all(ones(vec![1, 2])).await.unwrap();
        assert_eq!(found, [(1,)], "{backend:?}");
        let found: Vec<(i64,)> = read.all(ones(Vec::new())).await.unwrap();
        assert!(found.is_empty(), "{backend:?}");
        // A uuid column takes the NULL of an empty list too (PostgreSQL types it).
        let mut query = Sql::new("SELECT id FROM users WHERE id IN ");
        query.push_bind_list(Vec::<uuid::Uuid>::new());
        let found: Vec<(uuid::Uuid,)> = read.all(query).await.unwrap();
        assert!(found.is_empty(), "{backend:?}");
        // The two callers that do not check for an empty list themselves.
        let rows = deals::pipeline_rows(&mut read, None, &[]).await.unwrap();
        assert!(rows.is_empty(), "{backend:?}");
        let rows = proposals::with_status(&mut read, &[], None, 10)
            .await
            .unwrap();
        assert!(rows.is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn a_unique_violation_names_its_columns_alike_on_both_backends() {
    for backend in BACKENDS {
        let test = TestDb::new(backend).await;
        let mut write = test.db.write().await.unwrap();
        let user = |id| users::NewUserRow {
            id,
            email: "ana@example.com",
            name: "Ana",
            role: domain::roles::Role::Admin,
            partner_id: None,
            password_hash: "x",
        };
        users::insert(&mut write, &user(uuid::Uuid::now_v7()), now())
            .await
            .unwrap();
        let err = users::insert(&mut write, &user(uuid::Uuid::now_v7()), now())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Duplicate(key) if key == "users.email"),
            "{backend:?}: {err:?}"
        );
    }
}
