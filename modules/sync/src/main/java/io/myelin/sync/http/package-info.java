/**
 * The sync component's client-server endpoints: {@code /sync}, {@code /messages}, {@code /context} and the
 * legacy {@code /events} and {@code /initialSync}.
 */
package io.myelin.sync.http;
