//! Creating the containers of a job, uploading local files, and waiting until they are ready.

use super::*;

impl Run<'_> {
    /// Creates every container that is missing: the items concurrently (each id persisted as
    /// soon as it exists), then the carousel. Returns whether any was created. Local files whose
    /// container exists from an earlier run are uploaded again from where the host stopped.
    pub(super) async fn ensure_containers(&self) -> Result<bool> {
        let top = self.top();
        let mut created = false;
        for (i, item) in self.post.items.iter().enumerate() {
            let MediaSource::File(path) = &item.source else {
                continue;
            };
            if self.uploaded.lock().await.contains(&i) {
                continue;
            }
            if let Some(id) = self.container_id(i).await {
                self.upload(i, &id, None, path, true).await?;
                self.uploaded.lock().await.insert(i);
            }
        }
        if self.post.kind == PostKind::Carousel {
            let mut missing = Vec::new();
            for i in 0..self.post.items.len() {
                if self.container_id(i).await.is_none() {
                    missing.push(i);
                }
            }
            if !missing.is_empty() {
                created = true;
                let results = join_all(missing.iter().map(|&i| self.create_item(i))).await;
                if let Some(err) = results.into_iter().find_map(|r| r.err()) {
                    return Err(err);
                }
            }
            if self.container_id(top).await.is_none() {
                created = true;
                self.create_carousel().await?;
            }
        } else if self.container_id(0).await.is_none() {
            created = true;
            self.create_item(0).await?;
        }
        if self.status().await == JobStatus::Pending {
            self.persist(|job| job.status = JobStatus::ContainerCreated)
                .await?;
        }
        Ok(created)
    }

    /// Creates the container of item `index` (uploading a local file), persisting its id.
    async fn create_item(&self, index: usize) -> Result<()> {
        let media = self.post.item_ref(index);
        let request = self
            .post
            .item_request(index)
            .ok_or_else(|| Error::invalid("items", format!("{media}: no such item")))?;
        let created = self
            .graph
            .ig_user(self.ig.clone())
            .publishing()
            .create_container(&request)
            .await
            .map_err(|e| self.map_error(media.clone(), None, e))?;
        let id = created.id.clone();
        self.persist(|job| {
            if let Some(slot) = job.container_ids.get_mut(index) {
                *slot = id.to_string();
            }
        })
        .await?;
        self.progress.emit(ProgressEvent::Created {
            media: media.clone(),
            container_id: id.clone(),
        });
        if let Some(MediaSource::File(path)) = self.post.items.get(index).map(|i| &i.source) {
            self.upload(index, &id, created.uri.as_deref(), path, false)
                .await?;
            self.uploaded.lock().await.insert(index);
        }
        Ok(())
    }

    async fn upload(
        &self,
        index: usize,
        container: &ContainerId,
        uri: Option<&str>,
        path: &std::path::Path,
        resume: bool,
    ) -> Result<()> {
        let client = self.graph.client();
        let url = upload_url(client, container, uri)?;
        let upload = Upload {
            client,
            token: self.graph.token(),
            url,
            path: path.to_path_buf(),
            media: self.post.item_ref(index),
            container: container.clone(),
            progress: &self.progress,
            attempts: self.inner.config.upload_attempts,
        };
        upload.run(resume).await
    }

    /// Creates the carousel container over its items, persisting its id. When Meta refuses
    /// because an item is not ready, waits for the items and tries again once.
    async fn create_carousel(&self) -> Result<()> {
        let top = self.top();
        let mut children = Vec::new();
        for i in 0..top {
            match self.container_id(i).await {
                Some(id) => children.push(id),
                None => return Err(Error::invalid("children", "an item has no container")),
            }
        }
        let request = self.post.carousel_request(children);
        let publishing = self.graph.ig_user(self.ig.clone()).publishing();
        let mut waited = false;
        let created = loop {
            match publishing.create_container(&request).await {
                Ok(c) => break c,
                Err(e)
                    if !waited
                        && (e.class() == ErrorClass::NotReady
                            || e.graph().and_then(|g| g.error_subcode) == Some(2207027)) =>
                {
                    waited = true;
                    for i in 0..top {
                        if let Look::Recreate(_, err) | Look::Failed(err) =
                            self.wait_slot(i).await?
                        {
                            return Err(err);
                        }
                    }
                }
                Err(e) => {
                    let mapped = self.map_error(MediaRef::Carousel, None, e);
                    // A publishing error: name the item at fault when one failed.
                    if matches!(mapped, Error::Publish { .. }) {
                        if let Some(Look::Recreate(_, err) | Look::Failed(err)) =
                            self.failing_item().await
                        {
                            return Err(err);
                        }
                    }
                    return Err(mapped);
                }
            }
        };
        let id = created.id.clone();
        self.persist(|job| {
            if let Some(slot) = job.container_ids.get_mut(top) {
                *slot = id.to_string();
            }
        })
        .await?;
        self.progress.emit(ProgressEvent::Created {
            media: MediaRef::Carousel,
            container_id: id,
        });
        Ok(())
    }

    /// Waits until the published container is ready (the carousel container reflects its
    /// items).
    pub(super) async fn wait_ready(&self) -> Result<Look> {
        let look = self.wait_slot(self.top()).await?;
        if self.post.kind == PostKind::Carousel
            && matches!(look, Look::Recreate(..) | Look::Failed(_))
        {
            // The carousel failed: name the item that did, when one did.
            if let Some(item) = self.failing_item().await {
                return Ok(item);
            }
        }
        Ok(look)
    }

    /// Polls one container until it is `FINISHED` (or `PUBLISHED`), adaptively: the first poll
    /// after the policy's first interval, each pause growing by its factor up to its cap, the
    /// whole wait bounded by its timeout. `ERROR` and `EXPIRED` give `Recreate` when the cause
    /// may pass (server-side errors, download timeouts, expiry), else an error naming the
    /// media.
    async fn wait_slot(&self, slot: usize) -> Result<Look> {
        let Some(container) = self.container_id(slot).await else {
            return Ok(Look::Recreate(
                vec![slot],
                Error::invalid("container_ids", "a container is missing"),
            ));
        };
        let policy = self.wait_policy();
        let handler = self.graph.container(container.clone());
        let started = tokio::time::Instant::now();
        let deadline = started + policy.timeout;
        let mut interval = policy.first_poll;
        tokio::time::sleep(interval.min(policy.timeout)).await;
        loop {
            self.renew().await?;
            let status = handler.status().await?;
            match status.status_code.clone() {
                Some(ContainerStatus::Finished) => {
                    self.progress.emit(ProgressEvent::Ready {
                        container_id: container,
                    });
                    return Ok(Look::Ready);
                }
                Some(ContainerStatus::Published) => return Ok(Look::Published),
                Some(ContainerStatus::Error) => {
                    return Ok(self.failed(slot, &container, &status));
                }
                Some(ContainerStatus::Expired) => {
                    return Ok(Look::Recreate(
                        (0..self.slots()).collect(),
                        self.status_error(slot, &container, PublishFailure::Expired, &status),
                    ));
                }
                code => {
                    self.progress.emit(ProgressEvent::Processing {
                        container_id: container.clone(),
                        status: code.unwrap_or(ContainerStatus::InProgress),
                        elapsed: started.elapsed(),
                    });
                }
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::Publish {
                    media: self.slot_ref(slot),
                    container_id: Some(container),
                    cause: PublishFailure::ProcessingTimeout,
                    message: format!(
                        "still processing after {:?}; the job can be resumed later",
                        policy.timeout
                    ),
                    graph: None,
                });
            }
            interval = interval
                .mul_f64(policy.factor.max(1.0))
                .min(policy.max_interval);
            tokio::time::sleep(interval.min(deadline - now)).await;
        }
    }

    pub(super) fn wait_policy(&self) -> WaitPolicy {
        if self.post.images_only() {
            self.inner.config.image_wait.clone()
        } else {
            self.inner.config.video_wait.clone()
        }
    }

    fn failed(&self, slot: usize, container: &ContainerId, status: &Container) -> Look {
        let text = status.status.as_deref().unwrap_or("");
        let cause = PublishFailure::from_subcode(status_subcode(text));
        let err = self.status_error(slot, container, cause.clone(), status);
        if cause.is_retryable() {
            Look::Recreate(vec![slot], err)
        } else {
            Look::Failed(err)
        }
    }

    fn status_error(
        &self,
        slot: usize,
        container: &ContainerId,
        cause: PublishFailure,
        status: &Container,
    ) -> Error {
        let code = status
            .status_code
            .as_ref()
            .map_or("no status_code", |c| c.as_str());
        Error::Publish {
            media: self.slot_ref(slot),
            container_id: Some(container.clone()),
            cause,
            message: format!(
                "status_code {code}: {}",
                status.status.as_deref().unwrap_or("no status given")
            ),
            graph: None,
        }
    }

    /// The first carousel item whose container failed (one status read per item), as a
    /// [`Look`] whose error names it.
    async fn failing_item(&self) -> Option<Look> {
        for i in 0..self.top() {
            let Some(id) = self.container_id(i).await else {
                continue;
            };
            let Ok(status) = self.graph.container(id.clone()).status().await else {
                continue;
            };
            match status.status_code {
                Some(ContainerStatus::Error) => return Some(self.failed(i, &id, &status)),
                Some(ContainerStatus::Expired) => {
                    return Some(Look::Recreate(
                        (0..self.slots()).collect(),
                        self.status_error(i, &id, PublishFailure::Expired, &status),
                    ))
                }
                _ => {}
            }
        }
        None
    }
}
