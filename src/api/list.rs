//! List Instances: `GET {apiBase}/gpu-instance/openapi/v1/gpu/instances?pageSize=N&pageNum=P`,
//! page after page as [`Pager`] says, until every instance the key can see has come once.

use super::call;
use crate::state::env::{Cancel, Env, Task};
use instance_model::list::{list_url, FleetList, Page, Pager};
use instance_model::ApiError;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Starts reading the whole list. The guard abandons it (the page in flight is aborted and
/// no further page is asked for); the task gives the list, or the first failure.
pub fn get_all(
    env: Rc<dyn Env>,
    api_base: String,
    api_key: String,
) -> (Cancel, Task<Result<FleetList, ApiError>>) {
    let in_flight: Rc<RefCell<Option<Cancel>>> = Rc::default();
    let abandoned = Rc::new(Cell::new(false));
    let cancel = {
        let (in_flight, abandoned) = (Rc::clone(&in_flight), Rc::clone(&abandoned));
        Cancel::new(move || {
            abandoned.set(true);
            drop(in_flight.take());
        })
    };
    // Each page is asked for as soon as the one before is read; the first, at once.
    let ask = move |env: &dyn Env, pager: &Pager| {
        call(
            env,
            "GET",
            list_url(&api_base, pager.page()),
            &api_key,
            None,
        )
    };
    let mut pager = Pager::new();
    let (request, mut answer) = ask(&*env, &pager);
    in_flight.replace(Some(request));
    let task = async move {
        loop {
            let outcome = answer.await;
            if let Some(done) = in_flight.take() {
                done.disarm();
            }
            if abandoned.get() {
                return Err(ApiError::Network);
            }
            let more = match outcome {
                Ok(body) => {
                    let page = Page::read(&body).map_err(|e| ApiError::BadResponse {
                        detail: e.to_string(),
                    })?;
                    pager.take(page)
                }
                // A server counting from 1 may refuse page 0: then page 1 is the first.
                Err(error @ ApiError::BadRequest { .. }) if !pager.refused() => return Err(error),
                Err(ApiError::BadRequest { .. }) => true,
                Err(error) => return Err(error),
            };
            if !more {
                return Ok(pager.finish());
            }
            let (request, next) = ask(&*env, &pager);
            in_flight.replace(Some(request));
            answer = next;
        }
    };
    (cancel, Box::pin(task))
}
