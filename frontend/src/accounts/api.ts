// The accounts area's calls to the API: the session (login, registration, logout, who am I),
// the profile, the account's deletion and the password reset.
import { api, call } from "../api/client";
import type { RegisterRequest, UpdateMeRequest } from "../api/types";

export function fetchMe() {
  return call(api.GET("/api/v1/me"));
}

export function logIn(email: string, password: string) {
  return call(api.POST("/api/v1/auth/login", { body: { email, password } }));
}

export function registerCustomer(input: RegisterRequest) {
  return call(api.POST("/api/v1/auth/register", { body: input }));
}

export function logOut(refreshToken: string) {
  return call(api.POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken } }));
}

/** An empty phone removes it (API convention). */
export function updateProfile(changes: UpdateMeRequest) {
  return call(api.PATCH("/api/v1/me", { body: changes }));
}

export function deleteAccount() {
  return call(api.DELETE("/api/v1/me"));
}

/** Sends the reset link (the server answers the same whether the address is known or not). */
export function requestPasswordReset(email: string) {
  return call(api.POST("/api/v1/auth/password-reset", { body: { email } }));
}

export function confirmPasswordReset(token: string, password: string) {
  return call(api.POST("/api/v1/auth/password-reset/confirm", { body: { token, password } }));
}
