package io.cloneguard.e2e; final class Placeholder {}
