/**
 * The sources {@code /sync} reads, each with its own stream position, and what they share: the
 * {@link io.myelin.sync.stream.SyncToken}, the {@link io.myelin.sync.stream.SyncResult} they fill, the
 * {@link io.myelin.sync.stream.Notifier} that wakes long polls, and {@link io.myelin.sync.stream.Memberships}.
 */
package io.myelin.sync.stream;
