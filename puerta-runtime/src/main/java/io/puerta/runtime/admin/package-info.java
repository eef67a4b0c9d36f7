/**
 * The admin listener: HTTP on its own port for operators and their tools — liveness and readiness for load
 * balancers and Kubernetes, Prometheus metrics, the status as JSON and as a live page, the effective configuration
 * with secrets redacted, and reloads. It knows the running proxy only through {@link io.puerta.runtime.admin.AdminView}.
 */
package io.puerta.runtime.admin;
