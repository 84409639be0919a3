/**
 * Scratch databases, test service URLs and temporary directories for tests.
 */
package io.myelin.testkit;
