/**
 * Who may use the proxy and what they may do: users and their password hashes, the check of a password (off the
 * event loops), the slowdown of repeated failures, each user's rights over commands and keys, and the server side of
 * SCRAM-SHA-256 for MongoDB clients.
 */
package io.puerta.runtime.access;
