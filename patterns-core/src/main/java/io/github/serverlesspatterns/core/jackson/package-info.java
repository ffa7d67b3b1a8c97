/** A JSON codec on Jackson (optional dependency). */
package io.github.serverlesspatterns.core.jackson;
