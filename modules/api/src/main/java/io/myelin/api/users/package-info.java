/**
 * The service every authenticated client endpoint goes through: {@link io.myelin.api.users.AccessTokens},
 * provided by the users component, and the {@link io.myelin.api.users.Authentication} helper.
 */
package io.myelin.api.users;
